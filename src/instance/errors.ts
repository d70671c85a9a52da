import { ZeqError } from "../core/errors.js";

export type InstanceErrorCode = "INSTANCE_NO_SIGNING_KEY" | "INSTANCE_NO_LOG";

/** The data directory lacks what this command needs. */
export class InstanceError extends ZeqError<InstanceErrorCode> {}
