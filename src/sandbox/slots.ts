import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { alive } from '../util/pid.js';

/** Where slot locks live: one file per sandbox slot, holding the PID of the grader using it. */
export const SLOT_LOCK_DIR = '/run/wirelab-slots';

/**
 * Claims `count` sandbox slots no other live grader on this machine holds, so two graders
 * never share a slot user (whose processes are swept after each submission). Stale locks of
 * dead graders are taken over. Returns the slot numbers and a release function.
 */
export function claimSlots(count: number, dir = SLOT_LOCK_DIR): { slots: number[]; release: () => void } {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const slots: number[] = [];
  for (let n = 0; slots.length < count && n < 1000; n++) {
    const file = join(dir, `slot-${n}.lock`);
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      slots.push(n);
      continue;
    } catch {
      /* held: by a live grader, or stale */
    }
    const holder = Number(readFileSync(file, 'utf8').trim());
    if (holder && holder !== process.pid && alive(holder)) continue;
    try {
      unlinkSync(file);
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      slots.push(n);
    } catch {
      /* another grader took it over first */
    }
  }
  const release = () => {
    for (const n of slots) {
      try {
        const file = join(dir, `slot-${n}.lock`);
        if (readFileSync(file, 'utf8').trim() === String(process.pid)) unlinkSync(file);
      } catch {
        /* already gone */
      }
    }
  };
  return { slots, release };
}
