// Where test/global-setup.ts writes the engine bundle that test/bundled-engine.ts loads.
import * as path from 'node:path';

export const ENGINE_BUNDLE = path.resolve(__dirname, '..', '.test-bundle', 'engine.mjs');
