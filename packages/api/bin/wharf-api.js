#!/usr/bin/env node
import { runMain } from '@wharf/store';
import { main } from '../dist/server.js';

runMain('wharf-api', () => main());
