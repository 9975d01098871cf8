export { DEFAULT_SIMULATION, errorShareAt, latencyAt, LoadBalancer } from './model.js';
export type { BackendStep, SimulationSettings } from './model.js';
export { MISCONFIGURED_WEIGHTS, startSimulator } from './server.js';
export type { RunningSimulator, SimulatorOptions } from './server.js';
export { DEFAULT_TIMING, runOutageScenario } from './scenario.js';
export type { IncidentView, ScenarioOptions, ScenarioResult } from './scenario.js';
export { generateStressStream, STRESS_SEED } from './stress/stress-stream.js';
export type { StressStats, StressStream } from './stress/stress-stream.js';
export { STRESS_FILES, STRESS_FIXTURE_DIR, writeStressStream } from './stress/write-stress-stream.js';
