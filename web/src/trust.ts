/**
 * Which keys the page trusts. By default the verifier keys this server publishes at
 * /api/keys (fetched once); the Verify tab lets the user replace them with keys obtained
 * elsewhere, which is what makes a check independent of the server.
 */
import { getVerifierKeys } from "./api.js";
import { TrustedKeys } from "./verify/index.js";

let published: Promise<string[]> | null = null;

/** The server's published verifier key texts (cached; retried after a failure). */
export function publishedKeyTexts(): Promise<string[]> {
  if (published === null) {
    published = getVerifierKeys().catch((err: unknown) => {
      published = null;
      throw err;
    });
  }
  return published;
}

/** The server's published keys, parsed and imported into WebCrypto. */
export async function publishedKeys(): Promise<TrustedKeys> {
  return TrustedKeys.fromTexts(await publishedKeyTexts());
}

/** Keys from text, one per line. */
export function keysFromText(text: string): Promise<TrustedKeys> {
  return TrustedKeys.fromTexts(text.split(/\r?\n/));
}
