#!/usr/bin/env node
import { runMain } from '@wharf/core';
import { main } from '../dist/server.js';

runMain('wharf-api', () => main());
