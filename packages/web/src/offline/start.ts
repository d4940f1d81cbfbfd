/** The page script offline.js (build.mjs adds it to index.html after app.js). */
import { registerOfflineSupport } from "./register.js";

void registerOfflineSupport();
