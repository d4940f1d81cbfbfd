// Public exports of inference/ (filled as the modules land).
export {};
