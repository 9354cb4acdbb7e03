// `cogcf bundle` replaces this identifier with the validated config as a JSON
// literal (esbuild `define`), so each bundle carries its own configuration.
declare const __COGCF_CONFIG__: unknown;
