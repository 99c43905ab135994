// Part 1 of 2 of the busybox cases against qemu-mipsel (test/linux/busybox-suite.ts).
import { busyboxCases } from './busybox-suite.js';

busyboxCases(0, 2);
