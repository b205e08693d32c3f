import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** A native addon of native/ (built by `npm install` into native/build/Release), loaded on first use. */
export interface NativeAddon<T> {
  /** The module, or undefined when it is not built, will not load, or is switched off. */
  get(): T | undefined;
  /** Why the module is not in use (the switch, or the loader's first error line); undefined when it is. */
  error(): string | undefined;
}

/**
 * One loader for the addons: `name` is the file in native/build/Release without `.node`.
 * `off()` returns a reason to use the fallback instead (an environment switch), `path()` another
 * build of the addon; both are asked once, on first use, and the answer (module or error) is kept.
 */
export function nativeAddon<T>(
  name: string,
  opts: { off?: () => string | undefined; path?: () => string | undefined } = {},
): NativeAddon<T> {
  const defaultPath = fileURLToPath(new URL(`../../native/build/Release/${name}.node`, import.meta.url));
  let loaded: { mod?: T; error?: string } | undefined;
  const load = (): { mod?: T; error?: string } => {
    if (loaded) return loaded;
    const off = opts.off?.();
    if (off) return (loaded = { error: off });
    try {
      loaded = { mod: createRequire(import.meta.url)(opts.path?.() || defaultPath) as T };
    } catch (err) {
      loaded = { error: err instanceof Error ? err.message.split('\n')[0] : String(err) };
    }
    return loaded;
  };
  return { get: () => load().mod, error: () => load().error };
}
