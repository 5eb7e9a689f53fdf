// The parts of Textract's wire format (JSON 1.1) that tallyq sends and reads. Field names are
// AWS's own (PascalCase); anything not listed is passed through untouched.

export interface BoundingBox {
  Width: number;
  Height: number;
  Left: number;
  Top: number;
}

export interface Point {
  X: number;
  Y: number;
}

export interface Geometry {
  BoundingBox: BoundingBox;
  Polygon?: Point[];
}

export type BlockType = 'PAGE' | 'LINE' | 'WORD' | (string & Record<never, never>);

export interface Relationship {
  Type: 'CHILD' | 'VALUE' | (string & Record<never, never>);
  Ids: string[];
}

export interface Block {
  BlockType: BlockType;
  Id: string;
  /** 0..100 */
  Confidence?: number;
  Text?: string;
  TextType?: 'PRINTED' | 'HANDWRITING';
  Geometry?: Geometry;
  Relationships?: Relationship[];
  Page?: number;
}

export interface ExpenseDetection {
  Text?: string;
  Geometry?: Geometry;
  /** 0..100 */
  Confidence?: number;
}

export interface ExpenseType {
  Text?: string;
  Confidence?: number;
}

export interface ExpenseCurrency {
  Code?: string;
  Confidence?: number;
}

export interface ExpenseGroupProperty {
  Types?: string[];
  Id?: string;
}

export interface ExpenseField {
  Type?: ExpenseType;
  LabelDetection?: ExpenseDetection;
  ValueDetection?: ExpenseDetection;
  PageNumber?: number;
  Currency?: ExpenseCurrency;
  GroupProperties?: ExpenseGroupProperty[];
}

export interface LineItemFields {
  LineItemExpenseFields?: ExpenseField[];
}

export interface LineItemGroup {
  LineItemGroupIndex?: number;
  LineItems?: LineItemFields[];
}

export interface ExpenseDocument {
  ExpenseIndex?: number;
  SummaryFields?: ExpenseField[];
  LineItemGroups?: LineItemGroup[];
  Blocks?: Block[];
}

export interface DocumentMetadata {
  Pages: number;
}

export interface AnalyzeExpenseResponse {
  DocumentMetadata?: DocumentMetadata;
  ExpenseDocuments?: ExpenseDocument[];
  AnalyzeExpenseModelVersion?: string;
}

export interface DetectDocumentTextResponse {
  DocumentMetadata?: DocumentMetadata;
  Blocks?: Block[];
  DetectDocumentTextModelVersion?: string;
}

export type JobStatus = 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'PARTIAL_SUCCESS';

export interface Warning {
  ErrorCode?: string;
  Pages?: number[];
}

export interface GetExpenseAnalysisResponse extends AnalyzeExpenseResponse {
  JobStatus: JobStatus;
  StatusMessage?: string;
  NextToken?: string;
  Warnings?: Warning[];
}

export interface S3Object {
  Bucket: string;
  Name: string;
  Version?: string;
}
