#!/usr/bin/env node
import { load } from '../dist/load.js';

const { main } = await load('cli');
process.exitCode = await main(process.argv);
