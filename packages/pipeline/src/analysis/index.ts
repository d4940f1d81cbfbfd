// Public exports of analysis/ (filled as the modules land).
export {};
