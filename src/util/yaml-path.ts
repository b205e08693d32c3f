/** A path into the scenario's YAML document: mapping keys and sequence indexes (`['steps', 0, 'send']`). */
export type Path = (string | number)[];
