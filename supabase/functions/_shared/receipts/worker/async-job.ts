// Textract's async path for one receipt: stage the document in S3 and start
// StartExpenseAnalysis on the S3Object (AWS accepts no other DocumentLocation), then on later runs
// read the job's result pages, and delete the staged copy once the job has ended either way.
import type { TextractClient } from '../../textract/client.ts';
import type { DocumentStaging, StagingRef } from '../../textract/staging.ts';
import type { AnalyzeExpenseResponse } from '../../textract/types.ts';
import type { ClaimedReceipt, ReceiptOutcome } from './worker.ts';

export type AsyncJobDeps = {
  textract: Pick<TextractClient, 'startExpenseAnalysis' | 'getExpenseAnalysis'>;
  staging?: DocumentStaging;
  log: (msg: string, extra?: Record<string, unknown>) => void;
};

export type JobResult =
  | { status: 'running' }
  | { status: 'failed'; message: string }
  | { status: 'done'; response: AnalyzeExpenseResponse };

/** A JPEG only goes async wrapped in a PDF, so that is what is staged for it. */
export function stagingRef(r: ClaimedReceipt): StagingRef {
  return {
    organisationId: r.organisation_id,
    receiptId: r.receipt_id,
    contentType: r.content_type === 'image/jpeg' ? 'application/pdf' : r.content_type,
  };
}

/**
 * Stages the document and starts the job (`clientRequestToken`: Textract's idempotency token, the
 * worker's choice); the outcome waits `pollSeconds` before the first look.
 */
export async function startJob(
  deps: AsyncJobDeps,
  r: ClaimedReceipt,
  document: Uint8Array,
  opts: { pollSeconds: number; clientRequestToken: string },
): Promise<ReceiptOutcome> {
  if (!deps.staging) {
    return {
      outcome: 'fail',
      error: 'PDF, TIFF and large JPEG receipts need TEXTRACT_S3_BUCKET: ' +
        'StartExpenseAnalysis reads documents from S3 only',
    };
  }
  const s3Object = await deps.staging.stage(stagingRef(r), document);
  const jobId = await deps.textract.startExpenseAnalysis({
    s3Object,
    clientRequestToken: opts.clientRequestToken,
  });
  return { outcome: 'wait', delay_seconds: opts.pollSeconds, textract_job_id: jobId };
}

/** Every result page of a job, merged; `running` means "look again on a later run". */
export async function readJob(deps: AsyncJobDeps, jobId: string): Promise<JobResult> {
  const first = await deps.textract.getExpenseAnalysis(jobId);
  if (first.JobStatus === 'IN_PROGRESS') return { status: 'running' };
  if (first.JobStatus === 'FAILED') {
    return { status: 'failed', message: first.StatusMessage ?? 'unknown' };
  }
  const documents = [...(first.ExpenseDocuments ?? [])];
  let next = first.NextToken;
  while (next) {
    const page = await deps.textract.getExpenseAnalysis(jobId, { nextToken: next });
    documents.push(...(page.ExpenseDocuments ?? []));
    next = page.NextToken;
  }
  return {
    status: 'done',
    response: { DocumentMetadata: first.DocumentMetadata, ExpenseDocuments: documents },
  };
}

/** Deletes the staged copy of an ended job; a failure only logs (the lifecycle rule expires it). */
export async function removeStaged(deps: AsyncJobDeps, r: ClaimedReceipt): Promise<void> {
  await deps.staging?.remove(stagingRef(r)).catch((err) =>
    deps.log('staged document not removed', { receipt_id: r.receipt_id, error: String(err) })
  );
}
