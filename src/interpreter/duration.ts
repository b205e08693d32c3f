export { durationMs, MAX_DURATION_MS } from '../util/duration.js';
