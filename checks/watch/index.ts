export { toRestEvent } from './convert';
export { BoundedQueue } from './queue';
export { SeenIds } from './seen';
export { advance, emptyState, loadWatchState, saveWatchState } from './state';
export { OwnWrites } from './own-writes';
export { startReceiver, tokenMatches, type Receiver, type Offer } from './receiver';
export { affectedRules } from './recheck';
export { ownWriteOf } from './react';
export { type Watcher } from './watch';
