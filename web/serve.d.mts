// Types of web/serve.mjs for the TypeScript tests.
import type { Server } from 'node:http';

export declare function startServer(port?: number, directory?: string): Promise<{ server: Server; url: string }>;
