// Public exports of distributions/ (filled as the modules land).
export {};
