export { main } from './main.js';
export { start, StartFailed } from './start.js';
export type { Started } from './start.js';
