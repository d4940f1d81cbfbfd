// Public exports of effect-sizes/ (filled as the modules land).
export {};
