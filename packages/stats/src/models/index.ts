// Public exports of models/ (filled as the modules land).
export {};
