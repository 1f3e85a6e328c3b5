export * from './database';
export * from './migrate';
export * from './prisma-errors';
export * from './scope';
export * from './store-client';
export * from './audit';
