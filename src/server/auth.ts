/**
 * API keys and roles. Keys are held only as SHA-256 digests; a presented key is hashed and
 * compared against every stored digest with a constant-time compare and no early exit, so
 * neither the position of a match nor the length of a common prefix shows in the timing.
 *
 * Two roles: "inference" keys call models; "admin" keys manage the server (and may also
 * call models). An inference key on an admin route is a 403, not a 401: the caller is
 * known, the action is not theirs.
 */
import { randomBytes, timingSafeEqual, createHash } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { ServerError } from "./errors.js";

export type Role = "inference" | "admin";

/** What a route learns about its caller: never the key itself. */
export interface Principal {
  role: Role;
  /** First 16 hex digits of SHA-256(key): safe to log, to rate-limit on and to revoke by. */
  keyId: string;
}

interface StoredKey {
  digest: Buffer;
  principal: Principal;
}

/** Keys shorter than this are refused at start-up: a guessable key is no credential. */
export const MIN_KEY_LENGTH = 16;

function digestOf(key: string): Buffer {
  return createHash("sha256").update(key, "utf8").digest();
}

/** The public id of a key. */
export function keyIdOf(key: string): string {
  return digestOf(key).subarray(0, 8).toString("hex");
}

/** A fresh random key (32 bytes, base64url) for an admin to hand out. */
export function generateApiKey(): string {
  return `zeq_${randomBytes(32).toString("base64url")}`;
}

export class ApiKeyRing {
  private keys: StoredKey[] = [];

  /**
   * @throws {RangeError} when a key is shorter than MIN_KEY_LENGTH or not printable ASCII
   */
  constructor(init: { apiKeys: readonly string[]; adminKeys: readonly string[] }) {
    for (const k of init.adminKeys) this.add(k, "admin");
    for (const k of init.apiKeys) this.add(k, "inference");
  }

  /**
   * Adds a key with a role and returns its principal.
   * @throws {RangeError} when the key is too short or has characters outside printable ASCII
   */
  add(key: string, role: Role): Principal {
    if (typeof key !== "string" || key.length < MIN_KEY_LENGTH || !/^[\x21-\x7e]+$/.test(key)) {
      throw new RangeError(
        `API keys must be at least ${MIN_KEY_LENGTH} printable ASCII characters without spaces`,
      );
    }
    const principal: Principal = { role, keyId: keyIdOf(key) };
    this.keys = [
      ...this.keys.filter((k) => k.principal.keyId !== principal.keyId),
      { digest: digestOf(key), principal },
    ];
    return principal;
  }

  /** Removes a key by id; true when one was removed. */
  revoke(keyId: string): boolean {
    const before = this.keys.length;
    this.keys = this.keys.filter((k) => k.principal.keyId !== keyId);
    return this.keys.length !== before;
  }

  list(): Principal[] {
    return this.keys.map((k) => ({ ...k.principal }));
  }

  /** The principal of a presented key, or null; constant time in the key's content. */
  lookup(key: string): Principal | null {
    const presented = digestOf(key);
    let found: Principal | null = null;
    for (const k of this.keys) {
      // No break: every stored key is compared whatever the outcome.
      if (timingSafeEqual(presented, k.digest)) found = k.principal;
    }
    return found;
  }
}

const BEARER = /^Bearer ([\x21-\x7e]{1,512})$/;

/**
 * The principal behind a request's Authorization header.
 * @throws {ServerError} SERVER_AUTH_MISSING, SERVER_AUTH_INVALID
 */
export function authenticate(ring: ApiKeyRing, header: string | undefined): Principal {
  if (header === undefined || header === "") {
    throw new ServerError(
      "SERVER_AUTH_MISSING",
      "this route needs an API key: send Authorization: Bearer <key>",
    );
  }
  const m = BEARER.exec(header);
  const principal = m?.[1] === undefined ? null : ring.lookup(m[1]);
  if (principal === null)
    throw new ServerError("SERVER_AUTH_INVALID", "the API key is not valid for this server");
  return principal;
}

declare module "fastify" {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/**
 * An onRequest hook that admits only callers with `role` (admins pass everywhere). It runs
 * before the body is read, so an anonymous client cannot make the server buffer anything.
 */
export function requireRole(ring: ApiKeyRing, role: Role) {
  return async function checkRole(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const principal = authenticate(ring, request.headers.authorization);
    if (role === "admin" && principal.role !== "admin") {
      throw new ServerError(
        "SERVER_FORBIDDEN",
        "this route needs an admin key; an inference key cannot manage",
      );
    }
    request.principal = principal;
  };
}
