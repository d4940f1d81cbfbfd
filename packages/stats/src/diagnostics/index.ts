// Public exports of diagnostics/ (filled as the modules land).
export {};
