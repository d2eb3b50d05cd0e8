// The version the command line, the app and support bundles report.
export const VERSION = '0.1.0';
