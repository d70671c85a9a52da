/**
 * Self time by function of a V8 CPU profile (node --cpu-prof, or the inspector's
 * Profiler.stop): where a thread spent its time, "(idle)" included.
 */

export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
export interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export function selfTimes(profile: Profile): { totalMs: number; rows: Array<{ name: string; ms: number }> } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    total += dt;
    const frame = byId.get(id)?.callFrame;
    const where = frame?.url ? ` ${frame.url.split("/").slice(-2).join("/")}` : "";
    const name = `${frame?.functionName || "(anonymous)"}${where}`;
    self.set(name, (self.get(name) ?? 0) + dt);
  });
  const rows = [...self.entries()].map(([name, us]) => ({ name, ms: us / 1000 })).sort((a, b) => b.ms - a.ms);
  return { totalMs: total / 1000, rows };
}
