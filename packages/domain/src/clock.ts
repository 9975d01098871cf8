/** Where "now" comes from. Domain functions take `now` as an argument; services inject a Clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
