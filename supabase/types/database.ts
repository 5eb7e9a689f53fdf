export type Json = string | number | boolean | null | { [key: string]: Json | undefined } | Json[];

export type Database = {
  'public': {
    Tables: {
      'invoices': {
        Row: {
          'amount_due_minor': number;
          'amount_paid_minor': number;
          'amount_remaining_minor': number;
          'currency': string;
          'customer': string | null;
          'id': string;
          'last_event_at': string;
          'last_event_id': string;
          'payment_intent': string | null;
          'period_end': string | null;
          'period_start': string | null;
          'status': string | null;
          'subscription': string | null;
          'updated_at': string;
          'user_id': string | null;
        };
        ComputedFields: never;
        Insert: {
          'amount_due_minor': number;
          'amount_paid_minor': number;
          'amount_remaining_minor': number;
          'currency': string;
          'customer'?: string | null;
          'id': string;
          'last_event_at': string;
          'last_event_id': string;
          'payment_intent'?: string | null;
          'period_end'?: string | null;
          'period_start'?: string | null;
          'status'?: string | null;
          'subscription'?: string | null;
          'updated_at'?: string;
          'user_id'?: string | null;
        };
        Update: {
          'amount_due_minor'?: number;
          'amount_paid_minor'?: number;
          'amount_remaining_minor'?: number;
          'currency'?: string;
          'customer'?: string | null;
          'id'?: string;
          'last_event_at'?: string;
          'last_event_id'?: string;
          'payment_intent'?: string | null;
          'period_end'?: string | null;
          'period_start'?: string | null;
          'status'?: string | null;
          'subscription'?: string | null;
          'updated_at'?: string;
          'user_id'?: string | null;
        };
        Relationships: [];
      };
      'memberships': {
        Row: {
          'created_at': string;
          'organisation_id': string;
          'role': Database['public']['Enums']['org_role'];
          'user_id': string;
        };
        ComputedFields: never;
        Insert: {
          'created_at'?: string;
          'organisation_id': string;
          'role'?: Database['public']['Enums']['org_role'];
          'user_id': string;
        };
        Update: {
          'created_at'?: string;
          'organisation_id'?: string;
          'role'?: Database['public']['Enums']['org_role'];
          'user_id'?: string;
        };
        Relationships: [
          {
            foreignKeyName: 'memberships_organisation_id_fkey';
            columns: ['organisation_id'];
            isOneToOne: false;
            referencedRelation: 'organisations';
            referencedColumns: ['id'];
          },
        ];
      };
      'message_statuses': {
        Row: {
          'created_at': string;
          'errors': Json | null;
          'last_event_id': string;
          'message_id': string;
          'provider': string;
          'recipient_id': string | null;
          'status': string;
          'status_at': string;
          'updated_at': string;
        };
        ComputedFields: never;
        Insert: {
          'created_at'?: string;
          'errors'?: Json | null;
          'last_event_id': string;
          'message_id': string;
          'provider'?: string;
          'recipient_id'?: string | null;
          'status': string;
          'status_at': string;
          'updated_at'?: string;
        };
        Update: {
          'created_at'?: string;
          'errors'?: Json | null;
          'last_event_id'?: string;
          'message_id'?: string;
          'provider'?: string;
          'recipient_id'?: string | null;
          'status'?: string;
          'status_at'?: string;
          'updated_at'?: string;
        };
        Relationships: [];
      };
      'momo_transactions': {
        Row: {
          'amount_minor': number;
          'currency': string;
          'external_id': string | null;
          'financial_transaction_id': string | null;
          'id': string;
          'last_event_at': string;
          'last_event_id': string;
          'party_id': string | null;
          'party_id_type': string | null;
          'payee_note': string | null;
          'payer_message': string | null;
          'product': string;
          'reason': string | null;
          'status': string;
          'updated_at': string;
          'user_id': string | null;
        };
        ComputedFields: never;
        Insert: {
          'amount_minor': number;
          'currency': string;
          'external_id'?: string | null;
          'financial_transaction_id'?: string | null;
          'id': string;
          'last_event_at': string;
          'last_event_id': string;
          'party_id'?: string | null;
          'party_id_type'?: string | null;
          'payee_note'?: string | null;
          'payer_message'?: string | null;
          'product': string;
          'reason'?: string | null;
          'status': string;
          'updated_at'?: string;
          'user_id'?: string | null;
        };
        Update: {
          'amount_minor'?: number;
          'currency'?: string;
          'external_id'?: string | null;
          'financial_transaction_id'?: string | null;
          'id'?: string;
          'last_event_at'?: string;
          'last_event_id'?: string;
          'party_id'?: string | null;
          'party_id_type'?: string | null;
          'payee_note'?: string | null;
          'payer_message'?: string | null;
          'product'?: string;
          'reason'?: string | null;
          'status'?: string;
          'updated_at'?: string;
          'user_id'?: string | null;
        };
        Relationships: [];
      };
      'organisations': {
        Row: {
          'created_at': string;
          'created_by': string | null;
          'id': string;
          'name': string;
          'personal': boolean;
          'slug': string | null;
        };
        ComputedFields: never;
        Insert: {
          'created_at'?: string;
          'created_by'?: string | null;
          'id'?: string;
          'name': string;
          'personal'?: boolean;
          'slug'?: string | null;
        };
        Update: {
          'created_at'?: string;
          'created_by'?: string | null;
          'id'?: string;
          'name'?: string;
          'personal'?: boolean;
          'slug'?: string | null;
        };
        Relationships: [];
      };
      'payment_intents': {
        Row: {
          'amount_minor': number;
          'amount_received_minor': number;
          'currency': string;
          'customer': string | null;
          'description': string | null;
          'id': string;
          'invoice': string | null;
          'last_event_at': string;
          'last_event_id': string;
          'latest_charge': string | null;
          'livemode': boolean;
          'metadata': NonNullable<Json>;
          'provider_created_at': string | null;
          'status': string;
          'updated_at': string;
          'user_id': string | null;
        };
        ComputedFields: never;
        Insert: {
          'amount_minor': number;
          'amount_received_minor'?: number;
          'currency': string;
          'customer'?: string | null;
          'description'?: string | null;
          'id': string;
          'invoice'?: string | null;
          'last_event_at': string;
          'last_event_id': string;
          'latest_charge'?: string | null;
          'livemode'?: boolean;
          'metadata'?: NonNullable<Json>;
          'provider_created_at'?: string | null;
          'status': string;
          'updated_at'?: string;
          'user_id'?: string | null;
        };
        Update: {
          'amount_minor'?: number;
          'amount_received_minor'?: number;
          'currency'?: string;
          'customer'?: string | null;
          'description'?: string | null;
          'id'?: string;
          'invoice'?: string | null;
          'last_event_at'?: string;
          'last_event_id'?: string;
          'latest_charge'?: string | null;
          'livemode'?: boolean;
          'metadata'?: NonNullable<Json>;
          'provider_created_at'?: string | null;
          'status'?: string;
          'updated_at'?: string;
          'user_id'?: string | null;
        };
        Relationships: [];
      };
      'payment_objects': {
        Row: {
          'created_at': string;
          'data': NonNullable<Json>;
          'last_event_at': string;
          'last_event_id': string;
          'last_event_type': string;
          'livemode': boolean | null;
          'object_id': string;
          'object_type': string;
          'provider': string;
          'status': string | null;
          'updated_at': string;
        };
        ComputedFields: never;
        Insert: {
          'created_at'?: string;
          'data': NonNullable<Json>;
          'last_event_at': string;
          'last_event_id': string;
          'last_event_type': string;
          'livemode'?: boolean | null;
          'object_id': string;
          'object_type': string;
          'provider'?: string;
          'status'?: string | null;
          'updated_at'?: string;
        };
        Update: {
          'created_at'?: string;
          'data'?: NonNullable<Json>;
          'last_event_at'?: string;
          'last_event_id'?: string;
          'last_event_type'?: string;
          'livemode'?: boolean | null;
          'object_id'?: string;
          'object_type'?: string;
          'provider'?: string;
          'status'?: string | null;
          'updated_at'?: string;
        };
        Relationships: [];
      };
      'payments': {
        Row: {
          'amount_minor': number | null;
          'created_at': string;
          'currency': string | null;
          'id': string;
          'last_event_at': string;
          'last_event_id': string;
          'organisation_id': string | null;
          'provider': string;
          'provider_payment_id': string;
          'status': string;
          'updated_at': string;
          'user_id': string | null;
          'wallet_transaction_id': string | null;
        };
        ComputedFields: never;
        Insert: {
          'amount_minor'?: number | null;
          'created_at'?: string;
          'currency'?: string | null;
          'id'?: string;
          'last_event_at': string;
          'last_event_id': string;
          'organisation_id'?: string | null;
          'provider': string;
          'provider_payment_id': string;
          'status': string;
          'updated_at'?: string;
          'user_id'?: string | null;
          'wallet_transaction_id'?: string | null;
        };
        Update: {
          'amount_minor'?: number | null;
          'created_at'?: string;
          'currency'?: string | null;
          'id'?: string;
          'last_event_at'?: string;
          'last_event_id'?: string;
          'organisation_id'?: string | null;
          'provider'?: string;
          'provider_payment_id'?: string;
          'status'?: string;
          'updated_at'?: string;
          'user_id'?: string | null;
          'wallet_transaction_id'?: string | null;
        };
        Relationships: [
          {
            foreignKeyName: 'payments_organisation_id_fkey';
            columns: ['organisation_id'];
            isOneToOne: false;
            referencedRelation: 'organisations';
            referencedColumns: ['id'];
          },
          {
            foreignKeyName: 'payments_wallet_transaction_id_fkey';
            columns: ['wallet_transaction_id'];
            isOneToOne: false;
            referencedRelation: 'wallet_transactions';
            referencedColumns: ['id'];
          },
        ];
      };
      'receipt_artifacts': {
        Row: {
          'created_at': string;
          'kind': string;
          'organisation_id': string;
          'receipt_id': string;
          'sha256': string;
          'size_bytes': number;
          'storage_path': string;
        };
        ComputedFields: never;
        Insert: {
          'created_at'?: string;
          'kind': string;
          'organisation_id': string;
          'receipt_id': string;
          'sha256': string;
          'size_bytes': number;
          'storage_path': string;
        };
        Update: {
          'created_at'?: string;
          'kind'?: string;
          'organisation_id'?: string;
          'receipt_id'?: string;
          'sha256'?: string;
          'size_bytes'?: number;
          'storage_path'?: string;
        };
        Relationships: [
          {
            foreignKeyName: 'receipt_artifacts_organisation_id_fkey';
            columns: ['organisation_id'];
            isOneToOne: false;
            referencedRelation: 'organisations';
            referencedColumns: ['id'];
          },
          {
            foreignKeyName: 'receipt_artifacts_receipt_id_fkey';
            columns: ['receipt_id'];
            isOneToOne: false;
            referencedRelation: 'receipt_failures';
            referencedColumns: ['id'];
          },
          {
            foreignKeyName: 'receipt_artifacts_receipt_id_fkey';
            columns: ['receipt_id'];
            isOneToOne: false;
            referencedRelation: 'receipts';
            referencedColumns: ['id'];
          },
        ];
      };
      'receipt_corrections': {
        Row: {
          'corrected_at': string;
          'corrected_by': string | null;
          'field': string;
          'id': number;
          'new_value': string | null;
          'old_value': string | null;
          'organisation_id': string;
          'receipt_id': string;
        };
        ComputedFields: never;
        Insert: {
          'corrected_at'?: string;
          'corrected_by'?: string | null;
          'field': string;
          'id'?: never;
          'new_value'?: string | null;
          'old_value'?: string | null;
          'organisation_id': string;
          'receipt_id': string;
        };
        Update: {
          'corrected_at'?: string;
          'corrected_by'?: string | null;
          'field'?: string;
          'id'?: never;
          'new_value'?: string | null;
          'old_value'?: string | null;
          'organisation_id'?: string;
          'receipt_id'?: string;
        };
        Relationships: [
          {
            foreignKeyName: 'receipt_corrections_organisation_id_fkey';
            columns: ['organisation_id'];
            isOneToOne: false;
            referencedRelation: 'organisations';
            referencedColumns: ['id'];
          },
          {
            foreignKeyName: 'receipt_corrections_receipt_id_fkey';
            columns: ['receipt_id'];
            isOneToOne: false;
            referencedRelation: 'receipt_failures';
            referencedColumns: ['id'];
          },
          {
            foreignKeyName: 'receipt_corrections_receipt_id_fkey';
            columns: ['receipt_id'];
            isOneToOne: false;
            referencedRelation: 'receipts';
            referencedColumns: ['id'];
          },
        ];
      };
      'receipt_events': {
        Row: {
          'attempt': number | null;
          'created_at': string;
          'event_type': string;
          'from_status': Database['public']['Enums']['receipt_status'] | null;
          'id': number;
          'metadata': NonNullable<Json>;
          'organisation_id': string;
          'processor_version': string | null;
          'receipt_id': string;
          'to_status': Database['public']['Enums']['receipt_status'] | null;
        };
        ComputedFields: never;
        Insert: {
          'attempt'?: number | null;
          'created_at'?: string;
          'event_type': string;
          'from_status'?: Database['public']['Enums']['receipt_status'] | null;
          'id'?: never;
          'metadata'?: NonNullable<Json>;
          'organisation_id': string;
          'processor_version'?: string | null;
          'receipt_id': string;
          'to_status'?: Database['public']['Enums']['receipt_status'] | null;
        };
        Update: {
          'attempt'?: number | null;
          'created_at'?: string;
          'event_type'?: string;
          'from_status'?: Database['public']['Enums']['receipt_status'] | null;
          'id'?: never;
          'metadata'?: NonNullable<Json>;
          'organisation_id'?: string;
          'processor_version'?: string | null;
          'receipt_id'?: string;
          'to_status'?: Database['public']['Enums']['receipt_status'] | null;
        };
        Relationships: [
          {
            foreignKeyName: 'receipt_events_organisation_id_fkey';
            columns: ['organisation_id'];
            isOneToOne: false;
            referencedRelation: 'organisations';
            referencedColumns: ['id'];
          },
          {
            foreignKeyName: 'receipt_events_receipt_id_fkey';
            columns: ['receipt_id'];
            isOneToOne: false;
            referencedRelation: 'receipt_failures';
            referencedColumns: ['id'];
          },
          {
            foreignKeyName: 'receipt_events_receipt_id_fkey';
            columns: ['receipt_id'];
            isOneToOne: false;
            referencedRelation: 'receipts';
            referencedColumns: ['id'];
          },
        ];
      };
      'receipts': {
        Row: {
          'artifact_path': string | null;
          'attempts': number;
          'content_type': string;
          'created_at': string;
          'currency': string | null;
          'field_confidence': NonNullable<Json>;
          'id': string;
          'idempotency_key': string | null;
          'last_error': string | null;
          'line_items': NonNullable<Json>;
          'ocr_confidence': number | null;
          'organisation_id': string;
          'original_filename': string | null;
          'owner_id': string | null;
          'payment_method': string | null;
          'processed_at': string | null;
          'processor_version': string | null;
          'receipt_date': string | null;
          'receipt_time': string | null;
          'sha256': string;
          'size_bytes': number;
          'status': Database['public']['Enums']['receipt_status'];
          'storage_path': string;
          'subtotal': number | null;
          'tax': number | null;
          'textract_job_id': string | null;
          'total': number | null;
          'updated_at': string;
          'vendor': string | null;
          'vendor_address': string | null;
          'vendor_tax_id': string | null;
        };
        ComputedFields: never;
        Insert: {
          'artifact_path'?: string | null;
          'attempts'?: number;
          'content_type': string;
          'created_at'?: string;
          'currency'?: string | null;
          'field_confidence'?: NonNullable<Json>;
          'id'?: string;
          'idempotency_key'?: string | null;
          'last_error'?: string | null;
          'line_items'?: NonNullable<Json>;
          'ocr_confidence'?: number | null;
          'organisation_id': string;
          'original_filename'?: string | null;
          'owner_id'?: string | null;
          'payment_method'?: string | null;
          'processed_at'?: string | null;
          'processor_version'?: string | null;
          'receipt_date'?: string | null;
          'receipt_time'?: string | null;
          'sha256': string;
          'size_bytes': number;
          'status'?: Database['public']['Enums']['receipt_status'];
          'storage_path': string;
          'subtotal'?: number | null;
          'tax'?: number | null;
          'textract_job_id'?: string | null;
          'total'?: number | null;
          'updated_at'?: string;
          'vendor'?: string | null;
          'vendor_address'?: string | null;
          'vendor_tax_id'?: string | null;
        };
        Update: {
          'artifact_path'?: string | null;
          'attempts'?: number;
          'content_type'?: string;
          'created_at'?: string;
          'currency'?: string | null;
          'field_confidence'?: NonNullable<Json>;
          'id'?: string;
          'idempotency_key'?: string | null;
          'last_error'?: string | null;
          'line_items'?: NonNullable<Json>;
          'ocr_confidence'?: number | null;
          'organisation_id'?: string;
          'original_filename'?: string | null;
          'owner_id'?: string | null;
          'payment_method'?: string | null;
          'processed_at'?: string | null;
          'processor_version'?: string | null;
          'receipt_date'?: string | null;
          'receipt_time'?: string | null;
          'sha256'?: string;
          'size_bytes'?: number;
          'status'?: Database['public']['Enums']['receipt_status'];
          'storage_path'?: string;
          'subtotal'?: number | null;
          'tax'?: number | null;
          'textract_job_id'?: string | null;
          'total'?: number | null;
          'updated_at'?: string;
          'vendor'?: string | null;
          'vendor_address'?: string | null;
          'vendor_tax_id'?: string | null;
        };
        Relationships: [
          {
            foreignKeyName: 'receipts_organisation_id_fkey';
            columns: ['organisation_id'];
            isOneToOne: false;
            referencedRelation: 'organisations';
            referencedColumns: ['id'];
          },
        ];
      };
      'refunds': {
        Row: {
          'amount_minor': number;
          'created_at': string;
          'currency': string;
          'id': string;
          'last_event_at': string;
          'last_event_id': string;
          'provider': string;
          'provider_payment_id': string;
          'provider_refund_id': string;
          'reason': string | null;
          'status': string;
          'updated_at': string;
          'wallet_transaction_id': string | null;
        };
        ComputedFields: never;
        Insert: {
          'amount_minor': number;
          'created_at'?: string;
          'currency': string;
          'id'?: string;
          'last_event_at': string;
          'last_event_id': string;
          'provider': string;
          'provider_payment_id': string;
          'provider_refund_id': string;
          'reason'?: string | null;
          'status': string;
          'updated_at'?: string;
          'wallet_transaction_id'?: string | null;
        };
        Update: {
          'amount_minor'?: number;
          'created_at'?: string;
          'currency'?: string;
          'id'?: string;
          'last_event_at'?: string;
          'last_event_id'?: string;
          'provider'?: string;
          'provider_payment_id'?: string;
          'provider_refund_id'?: string;
          'reason'?: string | null;
          'status'?: string;
          'updated_at'?: string;
          'wallet_transaction_id'?: string | null;
        };
        Relationships: [
          {
            foreignKeyName: 'refunds_wallet_transaction_id_fkey';
            columns: ['wallet_transaction_id'];
            isOneToOne: false;
            referencedRelation: 'wallet_transactions';
            referencedColumns: ['id'];
          },
        ];
      };
      'revolut_transactions': {
        Row: {
          'account_id': string | null;
          'amount_minor': number | null;
          'completed_at': string | null;
          'counterparty': Json | null;
          'currency': string | null;
          'description': string | null;
          'id': string;
          'last_event_at': string;
          'last_event_id': string;
          'provider_created_at': string | null;
          'reference': string | null;
          'request_id': string | null;
          'state': string;
          'type': string | null;
          'updated_at': string;
          'user_id': string | null;
        };
        ComputedFields: never;
        Insert: {
          'account_id'?: string | null;
          'amount_minor'?: number | null;
          'completed_at'?: string | null;
          'counterparty'?: Json | null;
          'currency'?: string | null;
          'description'?: string | null;
          'id': string;
          'last_event_at': string;
          'last_event_id': string;
          'provider_created_at'?: string | null;
          'reference'?: string | null;
          'request_id'?: string | null;
          'state': string;
          'type'?: string | null;
          'updated_at'?: string;
          'user_id'?: string | null;
        };
        Update: {
          'account_id'?: string | null;
          'amount_minor'?: number | null;
          'completed_at'?: string | null;
          'counterparty'?: Json | null;
          'currency'?: string | null;
          'description'?: string | null;
          'id'?: string;
          'last_event_at'?: string;
          'last_event_id'?: string;
          'provider_created_at'?: string | null;
          'reference'?: string | null;
          'request_id'?: string | null;
          'state'?: string;
          'type'?: string | null;
          'updated_at'?: string;
          'user_id'?: string | null;
        };
        Relationships: [];
      };
      'subscriptions': {
        Row: {
          'cancel_at_period_end': boolean;
          'canceled_at': string | null;
          'currency': string;
          'current_period_end': string | null;
          'current_period_start': string | null;
          'customer': string | null;
          'id': string;
          'items': NonNullable<Json>;
          'last_event_at': string;
          'last_event_id': string;
          'status': string;
          'updated_at': string;
          'user_id': string | null;
        };
        ComputedFields: never;
        Insert: {
          'cancel_at_period_end'?: boolean;
          'canceled_at'?: string | null;
          'currency': string;
          'current_period_end'?: string | null;
          'current_period_start'?: string | null;
          'customer'?: string | null;
          'id': string;
          'items'?: NonNullable<Json>;
          'last_event_at': string;
          'last_event_id': string;
          'status': string;
          'updated_at'?: string;
          'user_id'?: string | null;
        };
        Update: {
          'cancel_at_period_end'?: boolean;
          'canceled_at'?: string | null;
          'currency'?: string;
          'current_period_end'?: string | null;
          'current_period_start'?: string | null;
          'customer'?: string | null;
          'id'?: string;
          'items'?: NonNullable<Json>;
          'last_event_at'?: string;
          'last_event_id'?: string;
          'status'?: string;
          'updated_at'?: string;
          'user_id'?: string | null;
        };
        Relationships: [];
      };
      'vendor_directory': {
        Row: {
          'confidence': number;
          'created_at': string;
          'organisation_id': string;
          'source_receipt_id': string | null;
          'tax_id': string;
          'updated_at': string;
          'vendor': string;
        };
        ComputedFields: never;
        Insert: {
          'confidence': number;
          'created_at'?: string;
          'organisation_id': string;
          'source_receipt_id'?: string | null;
          'tax_id': string;
          'updated_at'?: string;
          'vendor': string;
        };
        Update: {
          'confidence'?: number;
          'created_at'?: string;
          'organisation_id'?: string;
          'source_receipt_id'?: string | null;
          'tax_id'?: string;
          'updated_at'?: string;
          'vendor'?: string;
        };
        Relationships: [
          {
            foreignKeyName: 'vendor_directory_organisation_id_fkey';
            columns: ['organisation_id'];
            isOneToOne: false;
            referencedRelation: 'organisations';
            referencedColumns: ['id'];
          },
          {
            foreignKeyName: 'vendor_directory_source_receipt_id_fkey';
            columns: ['source_receipt_id'];
            isOneToOne: false;
            referencedRelation: 'receipt_failures';
            referencedColumns: ['id'];
          },
          {
            foreignKeyName: 'vendor_directory_source_receipt_id_fkey';
            columns: ['source_receipt_id'];
            isOneToOne: false;
            referencedRelation: 'receipts';
            referencedColumns: ['id'];
          },
        ];
      };
      'wallet_accounts': {
        Row: {
          'allow_overdraft': boolean;
          'closed_at': string | null;
          'created_at': string;
          'currency': string;
          'id': string;
          'kind': Database['public']['Enums']['wallet_account_kind'];
          'organisation_id': string | null;
          'pending_credits_minor': number;
          'pending_debits_minor': number;
          'posted_balance_minor': number;
          'provider': string | null;
          'user_id': string | null;
          'version': number;
        };
        ComputedFields: never;
        Insert: {
          'allow_overdraft'?: boolean;
          'closed_at'?: string | null;
          'created_at'?: string;
          'currency': string;
          'id'?: string;
          'kind': Database['public']['Enums']['wallet_account_kind'];
          'organisation_id'?: string | null;
          'pending_credits_minor'?: number;
          'pending_debits_minor'?: number;
          'posted_balance_minor'?: number;
          'provider'?: string | null;
          'user_id'?: string | null;
          'version'?: number;
        };
        Update: {
          'allow_overdraft'?: boolean;
          'closed_at'?: string | null;
          'created_at'?: string;
          'currency'?: string;
          'id'?: string;
          'kind'?: Database['public']['Enums']['wallet_account_kind'];
          'organisation_id'?: string | null;
          'pending_credits_minor'?: number;
          'pending_debits_minor'?: number;
          'posted_balance_minor'?: number;
          'provider'?: string | null;
          'user_id'?: string | null;
          'version'?: number;
        };
        Relationships: [
          {
            foreignKeyName: 'wallet_accounts_organisation_id_fkey';
            columns: ['organisation_id'];
            isOneToOne: false;
            referencedRelation: 'organisations';
            referencedColumns: ['id'];
          },
        ];
      };
      'wallet_discrepancies': {
        Row: {
          'check_name': string;
          'detail': NonNullable<Json>;
          'found_at': string;
          'id': number;
          'subject_id': string | null;
        };
        ComputedFields: never;
        Insert: {
          'check_name': string;
          'detail'?: NonNullable<Json>;
          'found_at'?: string;
          'id'?: never;
          'subject_id'?: string | null;
        };
        Update: {
          'check_name'?: string;
          'detail'?: NonNullable<Json>;
          'found_at'?: string;
          'id'?: never;
          'subject_id'?: string | null;
        };
        Relationships: [];
      };
      'wallet_entries': {
        Row: {
          'account_id': string;
          'amount_minor': number;
          'balance_after_minor': number;
          'balance_before_minor': number;
          'created_at': string;
          'currency': string;
          'transaction_id': string;
          'version': number;
        };
        ComputedFields: never;
        Insert: {
          'account_id': string;
          'amount_minor': number;
          'balance_after_minor': number;
          'balance_before_minor': number;
          'created_at': string;
          'currency': string;
          'transaction_id': string;
          'version': number;
        };
        Update: {
          'account_id'?: string;
          'amount_minor'?: number;
          'balance_after_minor'?: number;
          'balance_before_minor'?: number;
          'created_at'?: string;
          'currency'?: string;
          'transaction_id'?: string;
          'version'?: number;
        };
        Relationships: [
          {
            foreignKeyName: 'account_has_the_currency';
            columns: ['account_id', 'currency'];
            isOneToOne: false;
            referencedRelation: 'wallet_accounts';
            referencedColumns: ['id', 'currency'];
          },
          {
            foreignKeyName: 'wallet_entries_transaction_id_fkey';
            columns: ['transaction_id'];
            isOneToOne: false;
            referencedRelation: 'wallet_transactions';
            referencedColumns: ['id'];
          },
        ];
      };
      'wallet_transactions': {
        Row: {
          'amount_minor': number;
          'created_at': string;
          'created_by': string | null;
          'credit_account_id': string;
          'currency': string;
          'debit_account_id': string;
          'description': string | null;
          'expires_at': string | null;
          'external_ref': string | null;
          'id': string;
          'kind': Database['public']['Enums']['wallet_transaction_kind'];
          'pending_id': string | null;
          'reverses_id': string | null;
        };
        ComputedFields: never;
        Insert: {
          'amount_minor': number;
          'created_at'?: string;
          'created_by'?: string | null;
          'credit_account_id': string;
          'currency': string;
          'debit_account_id': string;
          'description'?: string | null;
          'expires_at'?: string | null;
          'external_ref'?: string | null;
          'id'?: string;
          'kind': Database['public']['Enums']['wallet_transaction_kind'];
          'pending_id'?: string | null;
          'reverses_id'?: string | null;
        };
        Update: {
          'amount_minor'?: number;
          'created_at'?: string;
          'created_by'?: string | null;
          'credit_account_id'?: string;
          'currency'?: string;
          'debit_account_id'?: string;
          'description'?: string | null;
          'expires_at'?: string | null;
          'external_ref'?: string | null;
          'id'?: string;
          'kind'?: Database['public']['Enums']['wallet_transaction_kind'];
          'pending_id'?: string | null;
          'reverses_id'?: string | null;
        };
        Relationships: [
          {
            foreignKeyName: 'credit_account_has_the_currency';
            columns: ['credit_account_id', 'currency'];
            isOneToOne: false;
            referencedRelation: 'wallet_accounts';
            referencedColumns: ['id', 'currency'];
          },
          {
            foreignKeyName: 'debit_account_has_the_currency';
            columns: ['debit_account_id', 'currency'];
            isOneToOne: false;
            referencedRelation: 'wallet_accounts';
            referencedColumns: ['id', 'currency'];
          },
          {
            foreignKeyName: 'wallet_transactions_pending_id_fkey';
            columns: ['pending_id'];
            isOneToOne: false;
            referencedRelation: 'wallet_transactions';
            referencedColumns: ['id'];
          },
          {
            foreignKeyName: 'wallet_transactions_reverses_id_fkey';
            columns: ['reverses_id'];
            isOneToOne: false;
            referencedRelation: 'wallet_transactions';
            referencedColumns: ['id'];
          },
        ];
      };
      'webhook_events': {
        Row: {
          'attempts': number;
          'event_id': string;
          'event_type': string;
          'id': number;
          'last_error': string | null;
          'occurred_at': string;
          'payload': NonNullable<Json>;
          'processed_at': string | null;
          'provider': string;
          'received_at': string;
          'signature_verified_at': string;
          'status': Database['public']['Enums']['webhook_event_status'];
        };
        ComputedFields: never;
        Insert: {
          'attempts'?: number;
          'event_id': string;
          'event_type': string;
          'id'?: never;
          'last_error'?: string | null;
          'occurred_at': string;
          'payload': NonNullable<Json>;
          'processed_at'?: string | null;
          'provider': string;
          'received_at'?: string;
          'signature_verified_at': string;
          'status'?: Database['public']['Enums']['webhook_event_status'];
        };
        Update: {
          'attempts'?: number;
          'event_id'?: string;
          'event_type'?: string;
          'id'?: never;
          'last_error'?: string | null;
          'occurred_at'?: string;
          'payload'?: NonNullable<Json>;
          'processed_at'?: string | null;
          'provider'?: string;
          'received_at'?: string;
          'signature_verified_at'?: string;
          'status'?: Database['public']['Enums']['webhook_event_status'];
        };
        Relationships: [];
      };
    };
    Views: {
      'audit_log': {
        Row: {
          'actor_id': string | null;
          'actor_role': string | null;
          'changed_fields': (string)[] | null;
          'client_ip': string | null;
          'correlation_id': string | null;
          'id': number;
          'new_record': Json | null;
          'occurred_at': string;
          'old_record': Json | null;
          'op': string;
          'organisation_id': string | null;
          'record_pk': Json | null;
          'table_name': unknown;
          'user_agent': string | null;
        };
        ComputedFields: never;
        Relationships: [];
      };
      'receipt_failures': {
        Row: {
          'attempts': number;
          'dead_letter_msg_id': number | null;
          'dead_lettered_at': string | null;
          'id': string;
          'last_error': string | null;
          'organisation_id': string;
          'owner_id': string | null;
          'status': Database['public']['Enums']['receipt_status'];
          'updated_at': string;
        };
        ComputedFields: never;
        Relationships: [
          {
            foreignKeyName: 'receipts_organisation_id_fkey';
            columns: ['organisation_id'];
            isOneToOne: false;
            referencedRelation: 'organisations';
            referencedColumns: ['id'];
          },
        ];
      };
      'receipt_queue_health': {
        Row: {
          'dead_lettered_count': number | null;
          'in_flight_count': number | null;
          'oldest_message_age_seconds': number | null;
          'pending_count': number | null;
          'processed_count': number | null;
          'processing_count': number | null;
        };
        ComputedFields: never;
        Relationships: [];
      };
      'webhook_queue_health': {
        Row: {
          'dead_lettered_count': number | null;
          'in_flight_count': number | null;
          'oldest_message_age_seconds': number | null;
          'pending_count': number | null;
          'processed_count': number | null;
        };
        ComputedFields: never;
        Relationships: [];
      };
    };
    Functions: {
      'correct_receipt': {
        Args: {
          'p_confirm'?: boolean;
          'p_fields': Json;
          'p_money_currency'?: string;
          'p_receipt_id': string;
        };
        Returns: {
          'artifact_path': string | null;
          'attempts': number;
          'content_type': string;
          'created_at': string;
          'currency': string | null;
          'field_confidence': NonNullable<Json>;
          'id': string;
          'idempotency_key': string | null;
          'last_error': string | null;
          'line_items': NonNullable<Json>;
          'ocr_confidence': number | null;
          'organisation_id': string;
          'original_filename': string | null;
          'owner_id': string | null;
          'payment_method': string | null;
          'processed_at': string | null;
          'processor_version': string | null;
          'receipt_date': string | null;
          'receipt_time': string | null;
          'sha256': string;
          'size_bytes': number;
          'status': Database['public']['Enums']['receipt_status'];
          'storage_path': string;
          'subtotal': number | null;
          'tax': number | null;
          'textract_job_id': string | null;
          'total': number | null;
          'updated_at': string;
          'vendor': string | null;
          'vendor_address': string | null;
          'vendor_tax_id': string | null;
        }[];
        SetofOptions: {
          from: '*';
          to: 'receipts';
          isOneToOne: false;
          isSetofReturn: true;
        };
      };
      'create_organisation': {
        Args: { 'p_name': string; 'p_slug'?: string };
        Returns: {
          'created_at': string;
          'created_by': string | null;
          'id': string;
          'name': string;
          'personal': boolean;
          'slug': string | null;
        };
        SetofOptions: {
          from: '*';
          to: 'organisations';
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      'organisation_operations_overview': {
        Args: {
          'p_alert_window'?: string;
          'p_dead_letter_limit'?: number;
          'p_organisation_id': string;
        };
        Returns: Json;
      };
      'recover_stuck_receipts': { Args: { 'p_older_than'?: string }; Returns: number };
      'rederive_receipts': {
        Args: { 'p_processor_version': string; 'p_receipt_ids'?: (string)[] };
        Returns: number;
      };
      'replay_dead_letters': { Args: { 'p_receipt_ids'?: (string)[] }; Returns: number };
      'replay_organisation_dead_letters': {
        Args: { 'p_organisation_id': string; 'p_receipt_ids': (string)[] };
        Returns: (string)[];
      };
      'wallet_balance_at': { Args: { 'p_account_id': string; 'p_at': string }; Returns: number };
      'wallet_close_account': { Args: { 'p_account_id': string }; Returns: Json };
      'wallet_open_account': {
        Args: { 'p_currency': string; 'p_organisation_id'?: string };
        Returns: {
          'allow_overdraft': boolean;
          'closed_at': string | null;
          'created_at': string;
          'currency': string;
          'id': string;
          'kind': Database['public']['Enums']['wallet_account_kind'];
          'organisation_id': string | null;
          'pending_credits_minor': number;
          'pending_debits_minor': number;
          'posted_balance_minor': number;
          'provider': string | null;
          'user_id': string | null;
          'version': number;
        };
        SetofOptions: {
          from: '*';
          to: 'wallet_accounts';
          isOneToOne: true;
          isSetofReturn: false;
        };
      };
      'wallet_post_pending': {
        Args: { 'p_amount_minor'?: number; 'p_idempotency_key'?: string; 'p_transfer_id': string };
        Returns: Json;
      };
      'wallet_reverse': {
        Args: { 'p_description'?: string; 'p_idempotency_key'?: string; 'p_transfer_id': string };
        Returns: Json;
      };
      'wallet_set_overdraft': {
        Args: { 'p_account_id': string; 'p_allow': boolean };
        Returns: Json;
      };
      'wallet_transfer': {
        Args: {
          'p_amount_minor': number;
          'p_currency': string;
          'p_description'?: string;
          'p_from_account_id': string;
          'p_idempotency_key'?: string;
          'p_pending_timeout_seconds'?: number;
          'p_to_account_id': string;
        };
        Returns: Json;
      };
      'wallet_void_pending': {
        Args: { 'p_idempotency_key'?: string; 'p_transfer_id': string };
        Returns: Json;
      };
    };
    Enums: {
      'org_role': 'owner' | 'admin' | 'member';
      'receipt_status': 'pending' | 'processing' | 'ocr_done' | 'needs_review' | 'failed';
      'wallet_account_kind': 'user' | 'clearing' | 'fees' | 'fx_liquidity';
      'wallet_transaction_kind':
        | 'transfer'
        | 'pending'
        | 'post'
        | 'void'
        | 'expire'
        | 'reversal'
        | 'payment'
        | 'refund';
      'webhook_event_status': 'received' | 'processed' | 'failed';
    };
    CompositeTypes: {
      [_ in never]: never;
    };
  };
};

type DatabaseWithoutInternals = Omit<Database, '__InternalSupabase'>;

type DefaultSchema = DatabaseWithoutInternals[Extract<keyof Database, 'public'>];

export type Tables<
  DefaultSchemaTableNameOrOptions extends
    | keyof (DefaultSchema['Tables'] & DefaultSchema['Views'])
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals;
  } ? keyof (
      & DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions['schema']]['Tables']
      & DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions['schema']]['Views']
    )
    : never = never,
> = DefaultSchemaTableNameOrOptions extends { schema: keyof DatabaseWithoutInternals } ? (
    & DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions['schema']]['Tables']
    & DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions['schema']]['Views']
  )[TableName] extends {
    Row: infer R;
  } ? R
  : never
  : DefaultSchemaTableNameOrOptions extends keyof (DefaultSchema['Tables'] & DefaultSchema['Views'])
    ? (DefaultSchema['Tables'] & DefaultSchema['Views'])[DefaultSchemaTableNameOrOptions] extends {
      Row: infer R;
    } ? R
    : never
  : never;

export type TablesInsert<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema['Tables']
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals;
  } ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions['schema']]['Tables']
    : never = never,
> = DefaultSchemaTableNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions['schema']]['Tables'][TableName] extends
    {
      Insert: infer I;
    } ? I
  : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema['Tables']
    ? DefaultSchema['Tables'][DefaultSchemaTableNameOrOptions] extends {
      Insert: infer I;
    } ? I
    : never
  : never;

export type TablesUpdate<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema['Tables']
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals;
  } ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions['schema']]['Tables']
    : never = never,
> = DefaultSchemaTableNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions['schema']]['Tables'][TableName] extends
    {
      Update: infer U;
    } ? U
  : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema['Tables']
    ? DefaultSchema['Tables'][DefaultSchemaTableNameOrOptions] extends {
      Update: infer U;
    } ? U
    : never
  : never;

export type Enums<
  DefaultSchemaEnumNameOrOptions extends
    | keyof DefaultSchema['Enums']
    | { schema: keyof DatabaseWithoutInternals },
  EnumName extends DefaultSchemaEnumNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals;
  } ? keyof DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions['schema']]['Enums']
    : never = never,
> = DefaultSchemaEnumNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions['schema']]['Enums'][EnumName]
  : DefaultSchemaEnumNameOrOptions extends keyof DefaultSchema['Enums']
    ? DefaultSchema['Enums'][DefaultSchemaEnumNameOrOptions]
  : never;

export type CompositeTypes<
  PublicCompositeTypeNameOrOptions extends
    | keyof DefaultSchema['CompositeTypes']
    | { schema: keyof DatabaseWithoutInternals },
  CompositeTypeName extends PublicCompositeTypeNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals;
  } ? keyof DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions['schema']]['CompositeTypes']
    : never = never,
> = PublicCompositeTypeNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions['schema']]['CompositeTypes'][
    CompositeTypeName
  ]
  : PublicCompositeTypeNameOrOptions extends keyof DefaultSchema['CompositeTypes']
    ? DefaultSchema['CompositeTypes'][PublicCompositeTypeNameOrOptions]
  : never;

export const Constants = {
  'public': {
    Enums: {
      'org_role': ['owner', 'admin', 'member'],
      'receipt_status': ['pending', 'processing', 'ocr_done', 'needs_review', 'failed'],
      'wallet_account_kind': ['user', 'clearing', 'fees', 'fx_liquidity'],
      'wallet_transaction_kind': [
        'transfer',
        'pending',
        'post',
        'void',
        'expire',
        'reversal',
        'payment',
        'refund',
      ],
      'webhook_event_status': ['received', 'processed', 'failed'],
    },
  },
} as const;
