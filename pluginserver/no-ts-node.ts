// kong-pdk 0.6.0 calls require('ts-node').register() when it loads, so that it can load .ts plugins. The start
// command loads only precompiled plugins (a .ts plugin is type-checked at load and silently dropped on an error),
// so the bundle gets this no-op instead of ts-node and TypeScript (megabytes, and seconds at start-up).
export function register(): void {}
