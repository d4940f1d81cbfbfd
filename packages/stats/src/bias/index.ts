// Public exports of bias/ (filled as the modules land).
export {};
