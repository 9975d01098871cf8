// A fault-injecting twin of the bus port for the services' unit tests, on its own entry point
// (@sitrep/bus/testing) so product code, which imports @sitrep/bus, never carries it.
export { FaultyBus, faultyEmbeddedBus } from './faulty-bus.js';
export type { Fault, FaultOptions, PublishCall, TopicFaultOptions } from './faulty-bus.js';
