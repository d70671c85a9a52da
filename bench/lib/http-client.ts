/**
 * A small HTTP/1.1 client over keep-alive sockets (node:http), lighter than fetch so the
 * client's own cost stays small next to what it measures. Loopback only.
 */
import http from "node:http";

export interface HttpReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** From the first byte written to the last byte read. */
  ms: number;
}

export class HttpClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  private readonly base: URL;

  constructor(
    baseUrl: string,
    private readonly bearer: string,
  ) {
    this.base = new URL(baseUrl);
    if (this.base.hostname !== "127.0.0.1") throw new RangeError("the benchmark talks to 127.0.0.1 only");
  }

  /** POSTs a JSON body; network errors reject, any HTTP status resolves. */
  post(path: string, body: string | Buffer, timeoutMs = 120_000): Promise<HttpReply> {
    const payload = typeof body === "string" ? Buffer.from(body) : body;
    return new Promise((resolve, reject) => {
      const start = performance.now();
      const req = http.request(
        {
          agent: this.agent,
          host: this.base.hostname,
          port: this.base.port,
          method: "POST",
          path,
          headers: {
            "content-type": "application/json",
            "content-length": payload.length,
            authorization: `Bearer ${this.bearer}`,
          },
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks),
              ms: performance.now() - start,
            }),
          );
          res.on("error", reject);
        },
      );
      req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on("error", reject);
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** The playground path of the seed's example call. */
export const PLAYGROUND = "/api/playground/compute";
