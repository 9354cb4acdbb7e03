#!/usr/bin/env node
// `npx create-cogcf-barrier [flags]` is `cogcf init [flags]`.
import { launch } from './launch.js';

launch(['init'].concat(process.argv.slice(2)));
