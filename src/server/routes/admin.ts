/**
 * Management routes, admin key only (an inference key gets 403):
 *
 *   GET    /api/admin/status              queue, in-flight work, log size, models, keys
 *   GET    /api/admin/api-keys            the key ids and roles (never the keys)
 *   POST   /api/admin/api-keys            issue a key {"role": "inference" | "admin"}; the key is shown once
 *   DELETE /api/admin/api-keys/:keyId     revoke a key at once
 *
 * Issuing and revoking is how keys rotate without a restart: issue the new key, move the
 * clients, revoke the old one. The instance is told (onApiKeyEvent) so it can persist.
 */
import type { FastifyInstance } from "fastify";
import { Type, type Static } from "@sinclair/typebox";
import { type ApiKeyRing, generateApiKey, requireRole } from "../auth.js";
import { ServerError } from "../errors.js";
import type { LogView } from "../log-view.js";
import type { ApiKeyEvent } from "../options.js";
import type { RunContext } from "../run.js";
import { withErrors } from "../schemas.js";

const Principal = Type.Object({ key_id: Type.String(), role: Type.String() });
const StatusResponse = Type.Object({
  closing: Type.Boolean(),
  queue_depth: Type.Integer(),
  in_flight: Type.Integer(),
  log_size: Type.Integer(),
  models: Type.Array(Type.Object({ name: Type.String(), version: Type.String() })),
  api_keys: Type.Array(Principal),
});
const IssueBody = Type.Object(
  { role: Type.Union([Type.Literal("inference"), Type.Literal("admin")]) },
  { additionalProperties: false },
);
const IssueResponse = Type.Object({ key: Type.String(), key_id: Type.String(), role: Type.String() });
const KeyParams = Type.Object({ keyId: Type.String({ pattern: "^[0-9a-f]{16}$" }) });

export interface AdminDeps {
  ring: ApiKeyRing;
  run: RunContext;
  log: LogView;
  onApiKeyEvent: ((event: ApiKeyEvent) => void | Promise<void>) | undefined;
}

export async function adminRoutes(app: FastifyInstance, deps: AdminDeps): Promise<void> {
  const admin = requireRole(deps.ring, "admin");
  const keys = () => deps.ring.list().map((p) => ({ key_id: p.keyId, role: p.role }));

  app.get(
    "/api/admin/status",
    { onRequest: admin, schema: { response: withErrors({ 200: StatusResponse }) } },
    async () => {
      const stats = deps.run.executor.stats();
      return {
        closing: deps.run.closing(),
        queue_depth: stats.queueDepth,
        in_flight: stats.inFlight,
        log_size: (await deps.log.latestCheckpoint()).size,
        models: deps.run.executor.models().map((m) => ({ name: m.name, version: m.version })),
        api_keys: keys(),
      };
    },
  );

  app.get(
    "/api/admin/api-keys",
    {
      onRequest: admin,
      schema: { response: withErrors({ 200: Type.Object({ api_keys: Type.Array(Principal) }) }) },
    },
    async () => ({ api_keys: keys() }),
  );

  app.post<{ Body: Static<typeof IssueBody> }>(
    "/api/admin/api-keys",
    { onRequest: admin, schema: { body: IssueBody, response: withErrors({ 201: IssueResponse }) } },
    async (request, reply) => {
      const key = generateApiKey();
      const principal = deps.ring.add(key, request.body.role);
      await deps.onApiKeyEvent?.({ action: "issued", role: principal.role, keyId: principal.keyId, key });
      request.log.info(
        { keyId: principal.keyId, role: principal.role, by: request.principal?.keyId },
        "API key issued",
      );
      return reply.code(201).send({ key, key_id: principal.keyId, role: principal.role });
    },
  );

  app.delete<{ Params: Static<typeof KeyParams> }>(
    "/api/admin/api-keys/:keyId",
    {
      onRequest: admin,
      schema: { params: KeyParams, response: withErrors({ 200: Type.Object({ revoked: Type.String() }) }) },
    },
    async (request) => {
      const { keyId } = request.params;
      if (!deps.ring.revoke(keyId))
        throw new ServerError("SERVER_API_KEY_NOT_FOUND", `no API key with id ${keyId}`);
      await deps.onApiKeyEvent?.({ action: "revoked", keyId });
      request.log.info({ keyId, by: request.principal?.keyId }, "API key revoked");
      return { revoked: keyId };
    },
  );
}
