/**
 * Host ops for live capture: `captureStart` opens a capture tracked in the host context (so
 * host teardown always drains, flushes and closes it), `captureStop` stops it and returns the
 * counts. Relative file names are resolved against the host's run folder.
 */
import { isAbsolute, join } from 'node:path';
import type { HostContext, HostOp, Resource } from '../../hosts/context.js';
import { startCapture, type CaptureResult, type RunningCapture } from './live.js';
import type { CaptureFormat } from '../file/writer.js';

export interface CaptureStartArgs {
  device: string;
  filter?: string;
  file: string;
  format?: CaptureFormat;
  snaplen?: number;
  /** Kernel capture buffer in bytes (default 8 MiB). */
  bufferSize?: number;
}

interface CaptureResource extends Resource {
  capture: RunningCapture;
}

/** Starts capturing on `device` into `file` (relative to the run folder). */
export const captureStart: HostOp<CaptureStartArgs, { id: string; file: string; linktype: number }> = async (args, ctx: HostContext) => {
  const file = isAbsolute(args.file) ? args.file : join(ctx.workdir, args.file);
  const capture = await startCapture({ ...args, file });
  const res: CaptureResource = {
    capture,
    close: async () => {
      await capture.stop();
    },
  };
  const id = ctx.track('capture', res);
  return { id, file, linktype: capture.linktype };
};

/** Drains and stops the capture `id`; the file is complete when this returns. */
export const captureStop: HostOp<{ id: string }, CaptureResult> = async ({ id }, ctx) => {
  const res = ctx.get<CaptureResource>(id, 'capture');
  const result = await res.capture.stop();
  await ctx.release(id);
  return result;
};

export const captureOps = { captureStart, captureStop } satisfies Record<string, HostOp>;
