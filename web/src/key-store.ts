/**
 * The inference API key, entered once per tab. It lives in sessionStorage only (gone when
 * the tab closes, never in localStorage, never in a cookie), and is sent only as the
 * Authorization header of compute calls.
 */
const KEY = "zeq-np.api-key";

export function loadApiKey(): string {
  try {
    return sessionStorage.getItem(KEY) ?? "";
  } catch {
    return "";
  }
}

export function saveApiKey(value: string): void {
  try {
    if (value === "") sessionStorage.removeItem(KEY);
    else sessionStorage.setItem(KEY, value);
  } catch {
    // Storage may be disabled; the key then lasts as long as the page.
  }
}
