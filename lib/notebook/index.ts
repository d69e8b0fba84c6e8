/** Notebook helpers: rich output (tables, markdown), the run statement, one-call figures. */
export * from './show';
export * from './run-info';
export * from './figures';
export * from './setup';
