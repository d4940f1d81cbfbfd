// Public exports of report/ (filled as the modules land).
export {};
