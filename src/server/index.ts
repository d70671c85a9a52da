/** The HTTP API: the app builder (no listening), listening with graceful close, and the error table. */
export { buildApp } from "./app.js";
export { startServer, closeOnSignals, type StartServerOptions, type RunningServer } from "./listen.js";
export { DEFAULT_LIMITS, type BuildAppOptions, type ServerLimits, type ApiKeyEvent } from "./options.js";
export { ServerError, STATUS_BY_CODE, statusForCode, type ServerErrorCode } from "./errors.js";
export { generateApiKey, keyIdOf, type Role } from "./auth.js";
export type { LogView } from "./log-view.js";
