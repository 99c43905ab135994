// Types of bench/system-programs.mjs (guest programs shared by the system-mode tests and bench).

export declare const li32: (register: string, value: number) => string;
export declare const checksumLoop: (base: number, rounds: number) => string;
export declare const mapKuseg: string;
export declare const mapLargePages: string;
