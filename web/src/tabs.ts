/**
 * ARIA tabs (WAI-ARIA Authoring Practices): arrow keys, Home and End move between tabs,
 * one tab stop for the tab list, and the location hash names the open tab so a tab can
 * be linked to.
 */
type Listener = (panelId: string) => void;

export interface Tabs {
  select(tabId: string, focus?: boolean): void;
  onShow(listener: Listener): void;
}

export function mountTabs(list: HTMLElement): Tabs {
  const tabs = Array.from(list.querySelectorAll<HTMLButtonElement>('[role="tab"]'));
  const listeners: Listener[] = [];

  const select = (tabId: string, focus = false) => {
    for (const tab of tabs) {
      const on = tab.id === tabId;
      tab.setAttribute("aria-selected", String(on));
      tab.tabIndex = on ? 0 : -1;
      const panel = document.getElementById(tab.getAttribute("aria-controls") ?? "");
      if (panel !== null) panel.hidden = !on;
      if (on) {
        if (focus) tab.focus();
        const panelId = tab.getAttribute("aria-controls") ?? "";
        const hash = `#${tab.id.replace(/^tab-/, "")}`;
        if (location.hash !== hash) history.replaceState(null, "", hash);
        for (const l of listeners) l(panelId);
      }
    }
  };

  for (const tab of tabs) {
    tab.addEventListener("click", () => select(tab.id));
    tab.addEventListener("keydown", (ev) => {
      const i = tabs.indexOf(tab);
      const to =
        ev.key === "ArrowRight"
          ? tabs[(i + 1) % tabs.length]
          : ev.key === "ArrowLeft"
            ? tabs[(i - 1 + tabs.length) % tabs.length]
            : ev.key === "Home"
              ? tabs[0]
              : ev.key === "End"
                ? tabs[tabs.length - 1]
                : undefined;
      if (to !== undefined) {
        ev.preventDefault();
        select(to.id, true);
      }
    });
  }

  return {
    select,
    onShow: (l) => listeners.push(l),
  };
}

/** The tab named by the location hash (#run, #verify, #log), if any. */
export function tabFromHash(): string | null {
  const name = location.hash.replace(/^#/, "");
  return /^[a-z]+$/.test(name) && document.getElementById(`tab-${name}`) !== null ? `tab-${name}` : null;
}
