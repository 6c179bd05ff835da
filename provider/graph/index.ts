/**
 * The Graph client layer: connection resolution, authentication, the client, its error type,
 * retries and pacing. Import from here or from the individual files.
 */
export * from "./types";
export * from "./connection";
export * from "./credentials";
export * from "./graphError";
export * from "./graphClient";
export * from "./httpsAgent";
export * from "./requestPacer";
export * from "./retryAfter";
export * from "./retryPolicy";
export * from "./retryStrategies";
