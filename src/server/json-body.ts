/**
 * Request bodies: JSON only, parsed by the project's strict parser (duplicate keys, lone
 * surrogates, unsafe integers and deep nesting are refused with coded errors), and
 * refused by size before a byte of the body is read.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { parseStrictJson } from "../core/canonical-json.js";
import { ServerError } from "./errors.js";

const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

type ParserDone = (err: Error | null, body?: unknown) => void;

/** Decodes a body as fatal UTF-8 and parses it with the strict JSON parser. */
export function parseJsonBody(body: Buffer, maxDepth: number, done: ParserDone): void {
  let text: string;
  try {
    text = UTF8.decode(body);
  } catch (cause) {
    done(new ServerError("SERVER_BODY_NOT_UTF8", "the body is not valid UTF-8", { cause }), undefined);
    return;
  }
  if (text.trim() === "") {
    done(new ServerError("SERVER_BODY_MISSING", "this route needs a JSON body"), undefined);
    return;
  }
  try {
    done(null, parseStrictJson(text, { maxDepth }));
  } catch (err) {
    done(err as Error, undefined);
  }
}

/**
 * Replaces fastify's body parsers with one strict JSON parser: any other content type is a
 * 415. The body is decoded as UTF-8 with errors fatal, so bytes that are not UTF-8 cannot
 * turn silently into U+FFFD.
 */
export function useStrictJsonBodies(app: FastifyInstance, maxDepth: number): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, (_request, body: Buffer, done) => {
    parseJsonBody(body, maxDepth, done);
  });
}

/**
 * In this plugin's scope, a body without any Content-Type is read as JSON too (some Open
 * Inference Protocol clients send none); a body with another type is still a 415.
 */
export function acceptUntypedJson(app: FastifyInstance, maxDepth: number): void {
  app.addContentTypeParser("*", { parseAs: "buffer" }, (request, body: Buffer, done) => {
    if (request.headers["content-type"] !== undefined) {
      done(new ServerError("SERVER_MEDIA_TYPE", "the body must be application/json"), undefined);
      return;
    }
    parseJsonBody(body, maxDepth, done);
  });
}

/**
 * An onRequest hook refusing a declared Content-Length above `limit` before the body is
 * read, and closing the connection so the unread body is never buffered. (Fastify's
 * bodyLimit still guards chunked bodies as they stream in.)
 */
export function refuseLargeBodies(limitFor: (request: FastifyRequest) => number) {
  return async function checkContentLength(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const header = request.headers["content-length"];
    if (header === undefined) return;
    const length = /^[0-9]{1,16}$/.test(header) ? Number(header) : Number.NaN;
    if (Number.isNaN(length)) {
      reply.header("connection", "close");
      throw new ServerError("SERVER_CONTENT_LENGTH_INVALID", "Content-Length must be a decimal byte count");
    }
    const limit = limitFor(request);
    if (length > limit) {
      reply.header("connection", "close");
      throw new ServerError(
        "SERVER_BODY_TOO_LARGE",
        `the body has ${length} bytes; this route accepts at most ${limit}`,
      );
    }
  };
}
