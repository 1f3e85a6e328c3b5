/** The load generator's process entry (forked by bench/load-generator.ts's startLoadGenerator). */
import { serve } from './load-generator';

serve();
