export * from './jurisdiction';
export * from './tokens';
export * from './viewer';
