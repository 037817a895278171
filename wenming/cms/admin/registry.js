// The registry (units with villages, outlets with aliases and levels, …) and the schemas, each read once.

import { ApiError, get } from "./api.js";

let registryPromise = null;
const schemaPromises = new Map();

/** The registry, or null when the server does not offer it (the form then uses the schema's x-choices). */
export function registry() {
  if (!registryPromise) {
    registryPromise = get("/api/registry").catch((error) => {
      registryPromise = null;
      if (error instanceof ApiError && (error.status === 404 || error.status === 405)) return null;
      throw error;
    });
  }
  return registryPromise;
}

export function schema(collection) {
  if (!schemaPromises.has(collection)) {
    const promise = get(`/api/schema/${collection}`);
    promise.catch(() => schemaPromises.delete(collection));
    schemaPromises.set(collection, promise);
  }
  return schemaPromises.get(collection);
}

/** Forget cached data (after logging in as someone else: villages depend on the account). */
export function forget() {
  registryPromise = null;
  schemaPromises.clear();
}

/** The registry unit called `name` (its name or an alias), or null. */
export function findUnit(reg, name) {
  if (!reg || !name) return null;
  const wanted = String(name).trim();
  return (reg.units || []).find((u) => u.name === wanted || (u.aliases || []).includes(wanted)) || null;
}

/** The registry outlet called `name` (its name or an alias), or null. */
export function findOutlet(reg, name) {
  if (!reg || !name) return null;
  const wanted = String(name).trim();
  return (reg.outlets || []).find((o) => o.name === wanted || (o.aliases || []).includes(wanted)) || null;
}
