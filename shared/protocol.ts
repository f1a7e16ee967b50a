// The protocol in one import: topics, payload codecs and limits.
export * from './limits.js';
export * from './topics.js';
export * from './payloads.js';
