-- Recruitment of new foster carers per year of enquiry and channel, and per year for all
-- channels (is_total): enquiries, applications, approvals, approvals per enquiry.
SELECT
    year(f.cohort_quarter) AS year,
    grouping(f.channel) = 1 AS is_total,
    f.channel,
    CASE
        WHEN grouping(f.channel) = 1 THEN 'Tous les canaux'
        ELSE
            CASE f.channel
                WHEN 'WEBSITE' THEN 'Site internet'
                WHEN 'INFO_MEETING' THEN 'Réunion d''information'
                WHEN 'CAMPAIGN' THEN 'Campagne'
                WHEN 'WORD_OF_MOUTH' THEN 'Bouche-à-oreille'
                WHEN 'SOCIAL_MEDIA' THEN 'Réseaux sociaux'
                ELSE 'Autre'
            END
    END AS channel_label,
    shown_count(sum(f.enquiries)) AS enquiries,
    shown_count(sum(f.applications)) AS applications,
    shown_count(sum(f.approvals)) AS approvals,
    shown_share(sum(f.approvals) / nullif(sum(f.enquiries), 0), sum(f.approvals), sum(f.enquiries)) AS conversion_rate,
    bool_and(f.complete_quarter) AS complete_year
FROM marts.carer_funnel AS f
GROUP BY GROUPING SETS ((year(f.cohort_quarter), f.channel), (year(f.cohort_quarter)))
ORDER BY year, is_total, f.channel
