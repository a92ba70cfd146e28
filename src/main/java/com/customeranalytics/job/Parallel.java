package com.customeranalytics.job;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs independent Spark work side by side from the driver (model fits, KMeans sweeps): each is
 * mostly a chain of small jobs that leaves a core idle between them.
 */
public final class Parallel {
  private Parallel() {}

  /**
   * Runs {@code tasks} on at most {@code threads} threads and returns their results in task
   * order (not finishing order), so callers stay deterministic. The first failure is rethrown
   * naming {@code what}.
   */
  public static <T> List<T> all(int threads, List<Callable<T>> tasks, String what) {
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (Callable<T> t : tasks) {
        futures.add(pool.submit(t));
      }
      List<T> out = new ArrayList<>();
      for (Future<T> f : futures) {
        out.add(f.get());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(what + " interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(what + " failed: " + e.getCause().getMessage(), e.getCause());
    } finally {
      pool.shutdown();
    }
  }

  /**
   * Runs independent writes side by side (a Delta commit is mostly driver time, so two cores
   * overlap several) and returns their results in task order. Every task is waited for, so
   * nothing is still writing when this returns or throws; the first failure (in task order) is
   * rethrown as it is, the same exception a sequential run would give.
   */
  public static <T> List<T> each(List<Callable<T>> tasks) {
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, tasks.size()));
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (Callable<T> t : tasks) {
        futures.add(pool.submit(t));
      }
      List<T> out = new ArrayList<>();
      Throwable first = null;
      for (Future<T> f : futures) {
        try {
          out.add(f.get());
        } catch (ExecutionException e) {
          first = first == null ? e.getCause() : first;
        }
      }
      if (first instanceof RuntimeException) {
        throw (RuntimeException) first;
      }
      if (first instanceof Error) {
        throw (Error) first;
      }
      if (first != null) { // a checked exception thrown undeclared by Scala code
        throw new IllegalStateException(first.getMessage(), first);
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing", e);
    } finally {
      pool.shutdown();
    }
  }
}
