package com.customeranalytics.job;

/** One pipeline step: reads its inputs from tables (or raw files) and writes its output tables. */
public interface Stage {
  /** Name used on the command line and in job_runs. */
  String name();

  StageResult run(StageContext context);
}
