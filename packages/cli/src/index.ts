export { main } from './main.js';
export { start } from './start.js';
export type { Started } from './start.js';
