#!/usr/bin/env node
/**
 * The `mmsim` launcher. It runs the CommonJS build of the CLI, not the ESM
 * one: the loader imports each discovered backend through require.resolve,
 * i.e. its CommonJS build, which requires @mmsim/core's CommonJS build. An
 * ESM CLI would load a second copy of core beside it; a CommonJS CLI shares
 * that one, which is worth ~15 ms of the 150 ms startup budget.
 */
import { createRequire } from 'node:module';

createRequire(import.meta.url)('./run.cjs');
