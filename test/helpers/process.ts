/** Whether a process with this PID exists: wirelab's own check. */
export { alive } from '../../src/util/pid.js';
